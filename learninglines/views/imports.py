"""Staff import pages: upload a staff list, preview what it changes, confirm."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninglines.forms.imports import (
    ColumnMappingForm,
    StaffImportConfirmForm,
    StaffImportUploadForm,
)
from learninglines.http import SPREADSHEET_TYPES, spreadsheet_download
from learninglines.models import StaffImport
from learninglines.permissions import school_view
from learninglines.services.imports import (
    ImportChanged,
    ImportGone,
    ImportNotReady,
    staff_import_apply,
    staff_import_create,
    staff_import_preview,
    staff_import_prune,
    staff_import_set_mapping,
    staff_import_template,
)
from learninglines.tabular import MAX_ROWS


def _upload_url(request: HttpRequest) -> str:
    return reverse("learninglines:staff-import", kwargs={"school_slug": request.school.slug})


def _preview_url(request: HttpRequest, staff_import: StaffImport) -> str:
    return reverse(
        "learninglines:staff-import-preview",
        kwargs={"school_slug": request.school.slug, "pk": staff_import.pk},
    )


def _stored_upload(request: HttpRequest, pk: int) -> StaffImport | None:
    # An upload holds personal data: only the person who uploaded it sees it, in its school.
    return StaffImport.objects.filter(
        school=request.school, uploaded_by=request.user, pk=pk
    ).first()


def _gone(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        _(
            "This upload is no longer here: it was imported, or it is more than a day old. "
            "Upload the file again."
        ),
    )
    return redirect(_upload_url(request))


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def staff_import_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = StaffImportUploadForm(request.POST, request.FILES)
    else:
        form = StaffImportUploadForm()
    if form.is_bound and form.is_valid():
        staff_import_prune()
        staff_import = staff_import_create(
            school=request.school,
            by=request.user,
            file_name=form.cleaned_data["file"].name,
            content=form.content,
        )
        return redirect(_preview_url(request, staff_import))
    return render(
        request,
        "learninglines/import/upload.html",
        {"form": form, "max_rows": MAX_ROWS},
    )


@require_GET
@school_view("plan_school")
def staff_import_template_view(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SPREADSHEET_TYPES:
        raise Http404("No such template")
    return spreadsheet_download(
        staff_import_template(school=request.school, kind=kind),
        kind=kind,
        name=pgettext("file name", "staff-list-template"),
        private=False,  # the template's one row is an example, not a person of the school
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def staff_import_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_import = _stored_upload(request, pk)
    if staff_import is None:
        return _gone(request)
    preview = staff_import_preview(
        school=request.school,
        content=bytes(staff_import.content),
        mapping=staff_import.mapping,
        by=request.user,
    )
    data = request.POST if request.method == "POST" else None
    mapping_form = ColumnMappingForm(data, columns=preview.columns)
    if mapping_form.is_bound and mapping_form.is_valid():
        staff_import_set_mapping(staff_import=staff_import, mapping=mapping_form.mapping())
        return redirect(_preview_url(request, staff_import))
    return render(
        request,
        "learninglines/import/preview.html",
        {
            "staff_import": staff_import,
            "preview": preview,
            "mapping_form": mapping_form,
            "confirm_form": StaffImportConfirmForm(initial={"fingerprint": preview.fingerprint}),
            # "people with a line in the file are placed in it" only when a row names a line
            # of this school (a file without a line column, or a school without lines, has none)
            "places_in_lines": any(
                row.line is not None and not row.is_error for row in preview.rows
            ),
        },
    )


@require_POST
@school_view("plan_school")
def staff_import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_import = _stored_upload(request, pk)
    if staff_import is None:
        return _gone(request)
    form = StaffImportConfirmForm(request.POST)
    fingerprint = form.cleaned_data["fingerprint"] if form.is_valid() else ""
    try:
        result = staff_import_apply(
            staff_import=staff_import, by=request.user, fingerprint=fingerprint
        )
    except ImportGone:
        return _gone(request)  # imported by the first of two clicks: nothing saved twice
    except ImportNotReady:
        messages.error(request, _("The file still has errors, so nothing was saved."))
        return redirect(_preview_url(request, staff_import))
    except ImportChanged:
        messages.warning(
            request,
            _(
                "What this import would do has changed since the preview (someone changed the "
                "team), so nothing was saved. Check the preview again."
            ),
        )
        return redirect(_preview_url(request, staff_import))
    except ValidationError as error:
        messages.error(
            request,
            _("Nothing was saved: %(reason)s") % {"reason": " ".join(error.messages)},
        )
        return redirect(_preview_url(request, staff_import))
    messages.success(
        request,
        _(
            "Import done: %(new)d new, %(updated)d updated, %(unchanged)d unchanged. New team "
            "members get no mail yet: invite them from this page when you are ready."
        )
        % {"new": result.new, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect(
        reverse("learninglines:member-list", kwargs={"school_slug": request.school.slug})
    )
