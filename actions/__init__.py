"""Custom actions: every FAQ answer, clarification and crisis reply goes out from here."""
