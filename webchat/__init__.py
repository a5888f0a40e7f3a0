"""The website chat: a page, its assets and a webhook, served by the Rasa server itself."""
