"""Streamlit pages. Each page is thin: widgets -> config -> engine -> viz -> st.plotly_chart."""
