"""Extensions that run inside the Rasa server: NLU components and input channels.

Every Rasa process that loads the model imports this package, so the action-reply check
(`action_reply_schema`) is installed wherever actions run.
"""
from addons import action_reply_schema

action_reply_schema.install()
