"""Fake media for the web phone in headless Chromium: its flags (`MEDIA_FLAGS`) and the DTMF tone detector (`DETECTOR`)."""
from conftest import ROOT

DETECTOR = (ROOT / "Tests" / "interop" / "pages" / "dtmf-detector.js").read_text()
MEDIA_FLAGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
               "--autoplay-policy=no-user-gesture-required", "--allow-loopback-in-peer-connection"]
