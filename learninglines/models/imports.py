"""The staff import: an uploaded spreadsheet kept between its preview and its confirmation."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learninglines.models.people import School, User


class StaffImport(models.Model):
    """One uploaded staff list, waiting to be confirmed.

    Web processes keep nothing between requests, so the file itself waits here: the preview and
    the confirmation read the same bytes. It is deleted when confirmed and pruned after a day
    (`staff_import_prune`); nothing else refers to it.
    """

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="staff_imports", verbose_name=_("school")
    )
    uploaded_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    mapping = models.JSONField(
        _("column choices"),
        default=dict,
        blank=True,
        help_text=_("The field chosen by hand for a column, by column number."),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
