"""The validated model: clients, topics, the practice and the handout they make."""
