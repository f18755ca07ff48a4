"""Understanding a question: one room every other part reads from (patient facts live in ``question.patient``)."""
