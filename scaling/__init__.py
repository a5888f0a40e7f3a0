"""What lets several Rasa instances share conversations: the lock store chosen by the
environment (lock_store.py)."""
