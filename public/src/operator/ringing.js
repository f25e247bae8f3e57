// The ringing sound: WebAudio tone patterns, no audio files (docs/operator.md §6.2).

var NOTE = {
  G4: 392.0, A4: 440.0, B4: 493.88, C5: 523.25, Cs5: 554.37, D5: 587.33, E5: 659.25,
  F5: 698.46, G5: 783.99, A5: 880.0, B5: 987.77, C6: 1046.5, E6: 1318.51
};
/** Each melody: [frequencies (a chord), milliseconds] steps (0 = rest), then a pause; looped. */
var MELODIES = {
  'default': { wave: 'sine', gain: 0.16, pause: 2000,
    steps: [[[400, 450], 400], [0, 200], [[400, 450], 400]] },
  christmas: { wave: 'triangle', gain: 0.22, pause: 1400,
    steps: [[NOTE.E5, 180], [NOTE.E5, 180], [NOTE.E5, 360], [0, 60], [NOTE.E5, 180], [NOTE.E5, 180], [NOTE.E5, 360], [0, 60],
      [NOTE.E5, 180], [NOTE.G5, 180], [NOTE.C5, 270], [NOTE.D5, 90], [NOTE.E5, 540]] },
  lovingYou: { wave: 'sine', gain: 0.2, pause: 1500,
    steps: [[NOTE.A4, 240], [NOTE.Cs5, 240], [NOTE.E5, 240], [NOTE.A5, 480], [NOTE.E5, 240], [NOTE.Cs5, 240], [NOTE.E5, 600]] },
  quest: { wave: 'triangle', gain: 0.22, pause: 1300,
    steps: [[NOTE.G4, 140], [NOTE.C5, 140], [NOTE.E5, 140], [NOTE.G5, 420], [0, 80], [NOTE.E5, 140], [NOTE.G5, 560]] },
  rush: { wave: 'square', gain: 0.07, pause: 500,
    steps: [[NOTE.B5, 70], [NOTE.E6, 70], [NOTE.B5, 70], [NOTE.E6, 70], [NOTE.B5, 70], [NOTE.E6, 70], [NOTE.B5, 70], [NOTE.E6, 70]] }
};

var Ring = {
  ctx: null,
  timer: null,
  autoStop: null,
  voices: [],
  playing: null,  // the sound playing, or null
  mode: null,     // 'call' | 'test'

  unlock: function () {
    try {
      if (!Ring.ctx) {
        var AC = w.AudioContext || w.webkitAudioContext;
        if (!AC) return;
        Ring.ctx = new AC();
      }
      if (Ring.ctx.state === 'suspended') Ring.ctx.resume().catch(function () { /* needs a gesture */ });
    } catch (e) { /* no audio */ }
  },

  start: function (sound, mode) {
    Ring.stop();
    var melody = MELODIES[sound] || MELODIES['default'];
    Ring.playing = MELODIES[sound] ? sound : 'default';
    Ring.mode = mode;
    Ring.unlock();
    var cycle = function () {
      var ms = Ring.schedule(melody);
      Ring.timer = setTimeout(cycle, ms + melody.pause);
    };
    cycle();
    if (mode === 'test') {
      Ring.autoStop = setTimeout(function () {
        if (Ring.mode === 'test') { Ring.stop(); updateRinging(); render(); }
      }, 15000);
    }
    setRingAttr();
  },

  /** Schedules one pass of the melody; returns its length in ms. */
  schedule: function (melody) {
    var ctx = Ring.ctx;
    var total = 0;
    for (var i = 0; i < melody.steps.length; i++) total += melody.steps[i][1];
    if (!ctx) return total;
    var t0 = ctx.currentTime + 0.03;
    var at = 0;
    melody.steps.forEach(function (step) {
      var freqs = step[0], dur = step[1] / 1000;
      if (freqs) {
        (Array.isArray(freqs) ? freqs : [freqs]).forEach(function (f) {
          try {
            var osc = ctx.createOscillator();
            var g = ctx.createGain();
            osc.type = melody.wave;
            osc.frequency.value = f;
            var start = t0 + at, end = start + dur;
            g.gain.setValueAtTime(0, start);
            g.gain.linearRampToValueAtTime(melody.gain, start + 0.012);
            g.gain.setValueAtTime(melody.gain, Math.max(start + 0.012, end - 0.04));
            g.gain.linearRampToValueAtTime(0, end);
            osc.connect(g);
            g.connect(ctx.destination);
            osc.start(start);
            osc.stop(end + 0.02);
            var voice = { osc: osc, gain: g };
            Ring.voices.push(voice);
            osc.onended = function () {
              try { g.disconnect(); } catch (e) { /* ignore */ }
              var k = Ring.voices.indexOf(voice);
              if (k >= 0) Ring.voices.splice(k, 1);
            };
          } catch (e) { /* ignore one voice */ }
        });
      }
      at += dur;
    });
    return total;
  },

  stop: function () {
    clearTimeout(Ring.timer);
    clearTimeout(Ring.autoStop);
    Ring.timer = null;
    Ring.voices.splice(0).forEach(function (v) {
      try { v.osc.stop(); } catch (e) { /* already stopped */ }
      try { v.gain.disconnect(); } catch (e) { /* ignore */ }
    });
    Ring.playing = null;
    Ring.mode = null;
    setRingAttr();
  },

  stopCall: function () {
    if (Ring.mode === 'call') Ring.stop();
  }
};

/** Rings (primary tab only) while an incoming call rings on the agent's phone: as the gateway
 *  says, or the web phone held in this tab (webphone.js), whichever tells first. */
function updateRinging() {
  var ringing = false;
  for (var i = 0; i < S.calls.length; i++) {
    var c = S.calls[i];
    if (c.direction === 'INCOMING' && c.state === 2) ringing = true;
  }
  var should = (ringing && drivingTab() && S.phase === 'live' && !S.replaying || Phone.ringing()) && S.status === 'READY';
  if (should && Ring.mode !== 'call' && Ring.mode !== 'test') Ring.start(S.ringingSound, 'call');
  else if (!should && Ring.mode === 'call') Ring.stop();
  setRingAttr();
}
