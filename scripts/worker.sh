#!/bin/sh
# The worker container's command: the app's periodic jobs, without cron.
#
# Every minute: send_queued_mail (the outbox, sign-in requests left over).
# Every hour: send_exchange_followups.
# Once a day, from the hour given (in DJANGO_TIME_ZONE): apply_retention 03, prune_outbox 03,
#   send_meeting_reminders 16, send_reflection_reminders 17.
# Each job is safe to run again (a restart runs the hour's or the day's job once more without
# sending anything twice) and safe next to a second worker (they claim rows, see README).
# A failing job is reported on stderr and tried again at the next turn; the loop goes on.
set -u

state=${WORKER_STATE_DIR:-/tmp/worker-state}
mkdir -p "$state"
zone=${DJANGO_TIME_ZONE:-Europe/Amsterdam}

run() {
  python manage.py "$@" || echo "worker: manage.py $* failed" >&2
}

# once COMMAND PERIOD: run COMMAND unless it already ran in this PERIOD (a name for the hour or
# the day); a failed run is tried again at the next turn.
once() {
  [ -e "$state/$1.$2" ] && return 0
  if python manage.py "$1"; then
    rm -f "$state/$1".*
    touch "$state/$1.$2"
  else
    echo "worker: manage.py $1 failed" >&2
  fi
}

# run_hourly COMMAND: once an hour.
run_hourly() {
  once "$1" "$(TZ=$zone date +%F-%H)"
}

# run_daily COMMAND HOUR: once a day, at or after HOUR local time.
run_daily() {
  [ "$(TZ=$zone date +%H)" -ge "$2" ] || return 0
  once "$1" "$(TZ=$zone date +%F)"
}

while :; do
  run send_queued_mail
  run_hourly send_exchange_followups
  run_daily apply_retention 3
  run_daily prune_outbox 3
  run_daily clearsessions 3
  run_daily send_meeting_reminders 16
  run_daily send_reflection_reminders 17
  sleep "${WORKER_INTERVAL:-60}"
done
