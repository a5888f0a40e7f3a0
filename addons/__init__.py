"""Extensions that run inside the Rasa server: NLU components and input channels."""
