from django.urls import path

from sessions_app.views import (
    answer,
    attendance,
    day,
    exchanges,
    overview,
    plans,
    program,
    reflections,
    results,
    sessions,
)

app_name = "sessions_app"

S = "s/<slug:school_slug>/sessions/"
R = "s/<slug:school_slug>/reflections/"
X = "s/<slug:school_slug>/exchanges/"
Q = f"{R}<int:pk>/questions/<int:question_pk>/"

urlpatterns = [
    path(S, sessions.session_list_view, name="session-list"),
    path(f"{S}create/", sessions.session_create_view, name="session-create"),
    path(f"{S}earlier/", sessions.earlier_session_view, name="session-earlier"),
    path(
        f"{S}earlier/team.<str:kind>",
        sessions.earlier_template_view,
        name="session-earlier-template",
    ),
    path(f"{S}<int:pk>/", sessions.session_detail_view, name="session-detail"),
    path(f"{S}<int:pk>/update/", sessions.session_update_view, name="session-update"),
    path(f"{S}<int:pk>/delete/", sessions.session_delete_view, name="session-delete"),
    # --- the program ---
    path(
        f"{S}<int:pk>/assignments/create/",
        program.assignment_create_view,
        name="assignment-create",
    ),
    path(
        f"{S}<int:pk>/assignments/<int:assignment_pk>/update/",
        program.assignment_update_view,
        name="assignment-update",
    ),
    path(
        f"{S}<int:pk>/assignments/<int:assignment_pk>/delete/",
        program.assignment_delete_view,
        name="assignment-delete",
    ),
    path(
        f"{S}<int:pk>/assignments/<int:assignment_pk>/move/",
        program.assignment_move_view,
        name="assignment-move",
    ),
    path(f"{S}<int:pk>/program/template/", program.program_template_view, name="program-template"),
    # --- attendance ---
    path(f"{S}<int:pk>/attendance/", attendance.attendance_view, name="session-attendance"),
    # --- the table plan (the scheduler view) ---
    path(f"{S}<int:pk>/plan/", plans.plan_detail_view, name="plan-detail"),
    path(f"{S}<int:pk>/plan.<str:kind>", plans.plan_export_view, name="plan-export"),
    path(f"{S}<int:pk>/plan/generate/", plans.plan_generate_view, name="plan-generate"),
    path(f"{S}<int:pk>/plan/change/", plans.plan_change_view, name="plan-change"),
    path(f"{S}<int:pk>/plan/lock/", plans.plan_lock_view, name="plan-lock"),
    path(f"{S}<int:pk>/plan/undo/", plans.plan_undo_view, name="plan-undo"),
    path(
        f"{S}<int:pk>/plan/rounds/<int:number>/repair/",
        plans.plan_repair_view,
        name="plan-repair",
    ),
    path(f"{S}<int:pk>/plan/left/", plans.plan_release_view, name="plan-release"),
    path(f"{S}<int:pk>/plan/apart/", plans.apart_create_view, name="apart-create"),
    # --- the day: publish, the teacher's table, print, projector and clock, held ---
    path(f"{S}<int:pk>/me/", day.my_session_view, name="my-session"),
    path(f"{S}<int:pk>/publish/", day.publish_view, name="session-publish"),
    path(f"{S}<int:pk>/announce/", day.announce_view, name="session-announce"),
    path(f"{S}<int:pk>/print/", day.print_view, name="session-print"),
    path(f"{S}<int:pk>/projector/", day.projector_view, name="projector"),
    path(f"{S}<int:pk>/clock/", day.clock_view, name="session-clock"),
    path(f"{S}<int:pk>/held/", day.hold_view, name="session-hold"),
    path(f"{S}<int:pk>/calendar.ics", day.session_ics_view, name="session-ics"),
    path(
        f"{S}<int:pk>/attendance/<int:member_pk>/door-link/",
        day.door_link_view,
        name="door-link",
    ),
    path(
        f"{S}<int:pk>/plan/apart/<int:pair_pk>/delete/",
        plans.apart_delete_view,
        name="apart-delete",
    ),
    # --- reflection forms: the builder, opening and closing, reminders (planners) ---
    path(
        f"{S}<int:pk>/reflection/",
        reflections.session_reflection_view,
        name="session-reflection",
    ),
    path(R, reflections.questionnaire_list_view, name="reflection-list"),
    path(
        f"{R}meetings/<int:meeting_pk>/create/",
        reflections.meeting_reflection_create_view,
        name="meeting-reflection-create",
    ),
    path(f"{R}<int:pk>/", reflections.questionnaire_detail_view, name="reflection-detail"),
    path(f"{R}<int:pk>/update/", reflections.questionnaire_update_view, name="reflection-update"),
    path(f"{R}<int:pk>/open/", reflections.questionnaire_open_view, name="reflection-open"),
    path(f"{R}<int:pk>/close/", reflections.questionnaire_close_view, name="reflection-close"),
    path(
        f"{R}<int:pk>/template/",
        reflections.questionnaire_template_view,
        name="reflection-template",
    ),
    path(f"{R}<int:pk>/print/", reflections.questionnaire_print_view, name="reflection-print"),
    path(
        f"{R}<int:pk>/participation/",
        reflections.participation_view,
        name="reflection-participation",
    ),
    path(f"{R}<int:pk>/remind/", reflections.remind_view, name="reflection-remind"),
    path(
        f"{R}<int:pk>/questions/create/",
        reflections.question_create_view,
        name="question-create",
    ),
    path(f"{Q}update/", reflections.question_update_view, name="question-update"),
    path(f"{Q}delete/", reflections.question_delete_view, name="question-delete"),
    path(f"{Q}move/", reflections.question_move_view, name="question-move"),
    # --- answering (every asked member) ---
    path(f"{R}<int:pk>/answer/", answer.answer_view, name="reflection-answer"),
    path(f"{R}<int:pk>/answer/autosave/", answer.autosave_view, name="reflection-autosave"),
    # --- results and exports (steering group and coach) ---
    path(f"{R}<int:pk>/results/", results.results_view, name="reflection-results"),
    path(f"{R}<int:pk>/results.xlsx", results.export_xlsx_view, name="reflection-export-xlsx"),
    path(f"{R}<int:pk>/results.csv", results.export_csv_view, name="reflection-export-csv"),
    # --- the coach's home and the school overview (steering group and coach) ---
    path("coach/", overview.coach_home_view, name="coach-home"),
    path("s/<slug:school_slug>/overview/", overview.overview_view, name="overview"),
    path("s/<slug:school_slug>/overview.xlsx", overview.overview_xlsx_view, name="overview-xlsx"),
    path("s/<slug:school_slug>/overview.csv", overview.overview_csv_view, name="overview-csv"),
    path(
        "s/<slug:school_slug>/overview-encounters.csv",
        overview.overview_matrix_csv_view,
        name="overview-matrix-csv",
    ),
    path(
        "s/<slug:school_slug>/overview/print/",
        overview.overview_print_view,
        name="overview-print",
    ),
    # --- exchanges people start themselves (team members) ---
    path("s/<slug:school_slug>/ambition/", exchanges.ambition_view, name="ambition"),
    path(X, exchanges.exchange_list_view, name="exchange-list"),
    path(f"{X}start/", exchanges.exchange_start_view, name="exchange-start"),
    path(f"{X}suggestions/", exchanges.suggestions_view, name="exchange-suggestions"),
    path(f"{X}<int:pk>/", exchanges.exchange_detail_view, name="exchange-detail"),
    path(f"{X}<int:pk>/accept/", exchanges.exchange_accept_view, name="exchange-accept"),
    path(f"{X}<int:pk>/decline/", exchanges.exchange_decline_view, name="exchange-decline"),
    path(f"{X}<int:pk>/propose/", exchanges.exchange_propose_view, name="exchange-propose"),
    path(f"{X}<int:pk>/cancel/", exchanges.exchange_cancel_view, name="exchange-cancel"),
    path(f"{X}<int:pk>/held/", exchanges.exchange_held_view, name="exchange-held"),
    path(f"{X}<int:pk>/notes/", exchanges.exchange_notes_view, name="exchange-notes"),
]
