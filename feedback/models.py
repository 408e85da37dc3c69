"""Comments, replies, ratings and suggestions from residents (DESIGN.md, ``feedback/``)."""
