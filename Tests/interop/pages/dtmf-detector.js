// Test instrument, not part of the phone: listens to the far end's audio of a web phone call
// and recognises DTMF tones in it (the two frequencies of ITU-T Q.23), so that a test can
// check that RFC 4733 telephone-events sent by one browser come out as tones in the other
// (the receiving WebRTC stack plays the events as tones). Installed with
// `installDtmfDetector(audioElement)`; the digits heard are in window.dtmfHeard, in order, each
// once per tone.
window.installDtmfDetector = function installDtmfDetector(element) {
  const rows = [697, 770, 852, 941];
  const columns = [1209, 1336, 1477, 1633];
  const keys = ["123A", "456B", "789C", "*0#D"];
  const context = new AudioContext();
  const source = context.createMediaStreamSource(element.srcObject);
  const analyser = context.createAnalyser();
  analyser.fftSize = 4096;
  analyser.smoothingTimeConstant = 0;
  source.connect(analyser);
  const bins = new Float32Array(analyser.frequencyBinCount);
  const level = (hz) => {
    const i = Math.round(hz / (context.sampleRate / analyser.fftSize));
    return Math.max(bins[i - 1], bins[i], bins[i + 1]);
  };
  const strongest = (freqs) => {
    const levels = freqs.map(level);
    const best = levels.indexOf(Math.max(...levels));
    const others = levels.filter((_, i) => i !== best);
    return { index: best, level: levels[best], margin: levels[best] - Math.max(...others) };
  };
  window.dtmfHeard = [];
  window.dtmfSamples = 0;
  let current = null;
  const timer = setInterval(() => {
    analyser.getFloatFrequencyData(bins);
    window.dtmfSamples++;
    const row = strongest(rows), column = strongest(columns);
    const key = row.level > -70 && column.level > -70 && row.margin > 10 && column.margin > 10
      ? keys[row.index][column.index] : null;
    if (key && key !== current) window.dtmfHeard.push(key);
    current = key;
  }, 15);
  return () => { clearInterval(timer); context.close(); };
};
