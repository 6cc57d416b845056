"""Results of a reflection form for the steering group and the coach, and their exports.

(Being written: placeholders until the results page lands.)
"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


results_view = export_xlsx_view = export_csv_view = _todo
