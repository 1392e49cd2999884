"""The offline default model: a LangChain chat model that understands requests without LLM weights.

Intent comes from WordLlama embeddings over labelled examples plus rules; slots come from deterministic
parsers; the output is the same tool calls an LLM would make, so the graph has one code path.
"""
