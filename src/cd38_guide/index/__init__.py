"""Embeddings, FAISS vectors, BM25 and the manifest-checked index directory."""
