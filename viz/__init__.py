"""Pure functions from engine objects to Plotly figures (and LaTeX/tables for the pages).

No Streamlit here, so every figure can be built and inspected in a unit test.
"""
