"""Transcript storage: redaction before anything is written, retention, storage health.

A package of its own, outside `addons/`, because the Makefile retrains the model when
any file in `addons/` changes, and nothing here affects the model.
"""
