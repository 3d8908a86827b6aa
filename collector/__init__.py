"""The public collector: widget, questionnaire rendering and the submission intake (DESIGN §4)."""
