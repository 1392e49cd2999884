"""Graph nodes. Each factory takes ``GraphDeps`` and returns a plain function of the state."""
