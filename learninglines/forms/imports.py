"""Forms of the staff import: the upload, the choice of field per column, the confirmation."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from learninglines.services.imports import Column, ImportField, read_staff_list
from learninglines.tabular import MAX_UPLOAD_BYTES, ImportFileError, too_large_message


class StaffImportUploadForm(forms.Form):
    """A staff list as .xlsx, .ods or .csv; refused here (never stored) when we cannot read it."""

    file = forms.FileField(
        label=_("Staff list"),
        help_text=_(
            "An Excel file (.xlsx), a LibreOffice file (.ods) or a CSV file, at most 2 MB."
        ),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose a file to upload."),
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.ods,.csv,.txt,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                "application/vnd.oasis.opendocument.spreadsheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before reading: a 10 MB upload is never read into memory here.
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(too_large_message())
        content = upload.read()
        try:
            read_staff_list(content)
        except ImportFileError as error:
            raise ValidationError(error.message) from None
        self.content = content
        return upload


class ColumnMappingForm(forms.Form):
    """One select per column of the file: which field it holds, or "do not import"."""

    def __init__(self, *args, columns: list[Column], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Do not import")), *ImportField.choices]
        self.columns = columns
        for column in columns:
            self.fields[f"column_{column.index}"] = forms.ChoiceField(
                label=column.header,
                choices=choices,
                required=False,
                initial=column.field,
                widget=forms.Select(
                    attrs={
                        "class": "form-select",
                        "aria-describedby": f"column-{column.index}-status",
                    }
                ),
            )

    def mapping(self) -> dict[str, str]:
        return {
            str(column.index): self.cleaned_data[f"column_{column.index}"]
            for column in self.columns
        }

    def bound_columns(self):
        """(column, bound field) pairs, so the page can say per column what we recognised."""
        return [(column, self[f"column_{column.index}"]) for column in self.columns]


class StaffImportConfirmForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
