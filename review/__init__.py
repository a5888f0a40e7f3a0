"""Transcript review for support staff: a separate web app on loopback, never on the
patient-facing Rasa server. It reads TRACKER_URL's database and keeps its own tables
(prefixed `review_`) beside Rasa's `events`.

    python -m review.accounts create NAME    a staff account
    python -m review                         the pages (make review), 127.0.0.1:REVIEW_PORT
    python -m review.export --format csv     the filtered set, as the page exports it
"""
