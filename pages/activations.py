"""Activations & losses (being built)."""

import streamlit as st

st.title("Activations & losses")
