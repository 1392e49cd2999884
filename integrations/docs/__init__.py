"""Company documents: sources (local folder, JSONL, Google Drive), structure-aware chunking, a SQLite index with
hybrid search (FTS5 BM25 + WordLlama vectors, fused by reciprocal rank), permissions, and answer feedback."""
