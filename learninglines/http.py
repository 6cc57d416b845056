"""Files a page sends to download: one response for all of them (the sessions app uses it too).

A download of a school's data (an export, a member's data, a plan with addresses) is private:
no shared cache keeps it, and the browser does not store it either.
"""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

SPREADSHEET_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def download(
    content: bytes, *, content_type: str, filename: str, private: bool = True
) -> HttpResponse:
    """`content` as a file named `filename`; `private` (the default) keeps it out of caches."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response


def spreadsheet_download(
    content: bytes, *, kind: str, name: str, private: bool = True
) -> HttpResponse:
    """An Excel workbook or a CSV file (`kind`: a key of SPREADSHEET_TYPES) named `name.kind`."""
    return download(
        content, content_type=SPREADSHEET_TYPES[kind], filename=f"{name}.{kind}", private=private
    )
