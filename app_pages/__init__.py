"""Pages of the Streamlit app, one module per page."""
