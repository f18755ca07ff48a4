"""Question understanding: what was asked (analysis, vocabulary) and the patient it describes (patient/).

Every other room reads from here: retrieval searches the normalised question, answer planning and the entity
guard read the analysis, and the rules core reads the patient facts.
"""
