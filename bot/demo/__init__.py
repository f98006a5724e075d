"""The scripted demo on the local Discord (``studybot demo``)."""
