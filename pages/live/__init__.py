"""The live view: a browser component mounted once per page, fed binary frames over the app's
own websocket (``/live``) while training, so that nothing reruns or remounts per frame.

- ``runs``: a tab's live run and the registry of runs by unguessable token (the one piece of
  module-level state).
- ``share``: how the process divides its training time between the live runs (fair share).
- ``stream``: the websocket endpoint that trains a run and streams its frames.
- ``component``: the ``st.components.v2`` view (``live_view.js``, ``live_view.css``).
"""
