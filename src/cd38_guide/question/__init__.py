"""Question understanding: analysis of what was asked, read by retrieval, answers and rules."""
