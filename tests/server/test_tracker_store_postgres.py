"""The redacting tracker store's own statements on a real PostgreSQL, which, unlike
SQLite, aborts a whole transaction when one statement fails: the unit tests of reading
back, writing only new events, a failing review summary, and what of a request's channel
name and metadata is stored, run again here."""
import pytest
from rasa.shared.core.domain import Domain

from tests.server.throwaway_postgres import throwaway_postgres
from tests.unit.test_tracker_store import (  # noqa: F401 (collected and run here)
    test_a_channel_name_is_stored_only_if_it_is_a_channel_name,
    test_a_failing_review_summary_costs_no_turn_and_is_listed_flagged,
    test_a_tracker_it_did_not_read_is_counted_as_rasa_counts_it,
    test_a_turn_writes_only_its_new_events_without_counting_them_again,
    test_deep_or_huge_metadata_costs_no_turn,
    test_it_reads_back_the_last_session_exactly_as_rasa_does,
    test_no_identifier_reaches_the_database,
    test_only_the_allow_listed_metadata_is_stored,
    test_the_save_after_a_failed_summary_brings_the_failed_turn_in,
    test_the_stored_tracker_can_be_read_back_and_continued,
)
from transcripts.tracker_store import RedactingSQLTrackerStore

POSTGRES_PORT = 5783


@pytest.fixture(scope="module")
def postgres():
    with throwaway_postgres(POSTGRES_PORT) as server:
        yield server


@pytest.fixture
def store(postgres):
    store = RedactingSQLTrackerStore(domain=Domain.empty(), host=postgres.url)
    yield store
    with store.engine.begin() as connection:  # the next test starts from no tables
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    store.engine.dispose()
