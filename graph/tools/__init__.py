"""LangChain tools the capability nodes bind: read tools run directly, write tools only propose."""
