"""Import path for the gemini adapter package (pip install roomkit[gemini])."""
