"""python -m review: the review pages on 127.0.0.1:REVIEW_PORT (make review)."""
from review import settings
from review.app import create_app

# Loopback only: put an HTTPS reverse proxy in front to reach it from elsewhere.
HOST = "127.0.0.1"

if __name__ == "__main__":
    create_app().run(host=HOST, port=settings.port(), access_log=False, motd=False)
