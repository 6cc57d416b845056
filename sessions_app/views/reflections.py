"""Reflection forms for the steering group and the coach: build, open, close, remind.

(Being written: placeholders until the builder lands.)
"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


session_reflection_view = questionnaire_list_view = meeting_reflection_create_view = _todo
questionnaire_detail_view = questionnaire_update_view = questionnaire_open_view = _todo
questionnaire_close_view = questionnaire_template_view = questionnaire_print_view = _todo
participation_view = remind_view = question_create_view = question_update_view = _todo
question_delete_view = question_move_view = _todo
