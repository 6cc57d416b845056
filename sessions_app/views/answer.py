"""Answering a reflection form on a phone: autosave while typing, submit, edit until it closes.

(Being written: placeholders until the answer page lands.)
"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


answer_view = autosave_view = _todo
