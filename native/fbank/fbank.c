/*
 * Log mel filter-bank features for a whole utterance, compiled to WebAssembly (wasm32, SIMD128, no libc) and
 * driven by src/features/wasm-fbank.ts. Same arithmetic as src/features/fbank.ts (Kaldi / kaldi-native-fbank
 * order: DC removal, pre-emphasis, window, |FFT|^2, mel filters, log), in float32 as kaldi-native-fbank does.
 *
 * The host allocates everything through fb_alloc (a bump allocator over linear memory that grows as needed) and
 * fills the tables it computes best itself (window, FFT twiddles, mel weights); this file only loops.
 *
 * Build: scripts/wasm/build-fbank.sh (clang + lld from Debian) -> native/fbank/fbank.wasm, committed.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

extern unsigned char __heap_base;
static uintptr_t heap_top = 0;

/* Reserves `bytes` (16-byte aligned) of linear memory, growing it when needed; 0 when it cannot grow. */
EXPORT("fb_alloc") void *fb_alloc(uint32_t bytes) {
  if (heap_top == 0) heap_top = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15;
  uintptr_t start = heap_top;
  uintptr_t end = start + ((bytes + 15) & ~15u);
  uintptr_t have = __builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    uintptr_t pages = (end - have + 65535) / 65536;
    if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1) return 0;
  }
  heap_top = end;
  return (void *)start;
}

typedef struct {
  int32_t fft_size;      /* N, a power of two >= 8 */
  int32_t frame_length;  /* samples per frame, <= N */
  int32_t frame_shift;
  int32_t num_bins;      /* mel bins */
  int32_t snip_edges;    /* 0: frames centred on multiples of the shift, edges reflected */
  int32_t remove_dc;
  float preemph;
  float log_floor;
  float *window;         /* [frame_length] */
  float *cos_half;       /* [N/2 - 1 ... packed stage twiddles of the N/2-point complex FFT], see below */
  float *sin_half;
  float *cos_split;      /* [N/2 + 1]: cos(2 pi k / N) */
  float *sin_split;      /* [N/2 + 1]: -sin(2 pi k / N) */
  int32_t *bit_reverse;  /* [N/2] */
  int32_t *mel_first_bin;/* [num_bins] */
  int32_t *mel_start;    /* [num_bins + 1] offsets into mel_weights */
  float *mel_weights;
  /* scratch */
  float *frame;          /* [N] */
  float *re;             /* [N/2] */
  float *im;             /* [N/2] */
  float *power;          /* [N/2 + 1] */
} Plan;

/* The plan and its tables in one allocation; the host fills window, twiddles, bit_reverse and mel tables. */
EXPORT("fb_plan") Plan *fb_plan(int32_t fft_size, int32_t frame_length, int32_t frame_shift, int32_t num_bins,
                               int32_t snip_edges, int32_t remove_dc, float preemph, float log_floor,
                               int32_t num_weights) {
  Plan *p = (Plan *)fb_alloc(sizeof(Plan));
  if (!p) return 0;
  int32_t half = fft_size / 2;
  p->fft_size = fft_size;
  p->frame_length = frame_length;
  p->frame_shift = frame_shift;
  p->num_bins = num_bins;
  p->snip_edges = snip_edges;
  p->remove_dc = remove_dc;
  p->preemph = preemph;
  p->log_floor = log_floor;
  p->window = fb_alloc(4 * frame_length);
  p->cos_half = fb_alloc(4 * half);
  p->sin_half = fb_alloc(4 * half);
  p->cos_split = fb_alloc(4 * (half + 1));
  p->sin_split = fb_alloc(4 * (half + 1));
  p->bit_reverse = fb_alloc(4 * half);
  p->mel_first_bin = fb_alloc(4 * num_bins);
  p->mel_start = fb_alloc(4 * (num_bins + 1));
  p->mel_weights = fb_alloc(4 * num_weights);
  p->frame = fb_alloc(4 * fft_size);
  p->re = fb_alloc(4 * half);
  p->im = fb_alloc(4 * half);
  p->power = fb_alloc(4 * (half + 1));
  if (!p->power) return 0;
  return p;
}

/* Natural log for positive normal floats, ~1 ulp (the cephes/musl logf reduction and polynomial). */
static inline float log_positive(float x) {
  union { float f; uint32_t i; } u = {x};
  uint32_t ix = u.i + (0x3f800000 - 0x3f3504f3);
  int32_t k = (int32_t)(ix >> 23) - 0x7f;
  ix = (ix & 0x007fffff) + 0x3f3504f3;
  u.i = ix;
  float f = u.f - 1.0f;
  float s = f / (2.0f + f);
  float z = s * s;
  float w = z * z;
  float t1 = w * (0.40000972152f + w * 0.24279078841f);
  float t2 = z * (0.66666662693f + w * 0.28498786688f);
  float r = t2 + t1;
  float hfsq = 0.5f * f * f;
  float dk = (float)k;
  return s * (hfsq + r) + dk * 9.0580006145e-06f - hfsq + f + dk * 6.9313812256e-01f;
}

/* The same, four at a time. */
static inline v128_t log_positive4(v128_t x) {
  v128_t ix = wasm_i32x4_add(x, wasm_i32x4_splat(0x3f800000 - 0x3f3504f3));
  v128_t k = wasm_i32x4_sub(wasm_u32x4_shr(ix, 23), wasm_i32x4_splat(0x7f));
  ix = wasm_i32x4_add(wasm_v128_and(ix, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f3504f3));
  v128_t f = wasm_f32x4_sub(ix, wasm_f32x4_splat(1.0f));
  v128_t s = wasm_f32x4_div(f, wasm_f32x4_add(wasm_f32x4_splat(2.0f), f));
  v128_t z = wasm_f32x4_mul(s, s);
  v128_t w = wasm_f32x4_mul(z, z);
  v128_t t1 = wasm_f32x4_mul(w, wasm_f32x4_add(wasm_f32x4_splat(0.40000972152f), wasm_f32x4_mul(w, wasm_f32x4_splat(0.24279078841f))));
  v128_t t2 = wasm_f32x4_mul(z, wasm_f32x4_add(wasm_f32x4_splat(0.66666662693f), wasm_f32x4_mul(w, wasm_f32x4_splat(0.28498786688f))));
  v128_t r = wasm_f32x4_add(t2, t1);
  v128_t hfsq = wasm_f32x4_mul(wasm_f32x4_splat(0.5f), wasm_f32x4_mul(f, f));
  v128_t dk = wasm_f32x4_convert_i32x4(k);
  v128_t y = wasm_f32x4_mul(s, wasm_f32x4_add(hfsq, r));
  y = wasm_f32x4_add(y, wasm_f32x4_mul(dk, wasm_f32x4_splat(9.0580006145e-06f)));
  y = wasm_f32x4_sub(y, hfsq);
  y = wasm_f32x4_add(y, f);
  return wasm_f32x4_add(y, wasm_f32x4_mul(dk, wasm_f32x4_splat(6.9313812256e-01f)));
}

/* |X[k]|^2, k = 0..N/2, of p->frame: an N/2-point complex FFT of the frame packed as x[2n] + i x[2n+1], then
 * the split step that recovers the N-point real spectrum. Separate re/im arrays keep the butterflies
 * vectorizable. */
static void power_spectrum(Plan *p) {
  const int32_t m = p->fft_size / 2;
  float *re = p->re, *im = p->im;
  const float *x = p->frame;
  const int32_t *rev = p->bit_reverse;
  for (int32_t n = 0; n < m; n += 2) {
    int32_t a = rev[n], b = rev[n + 1];
    float ar = x[2 * a], ai = x[2 * a + 1], br = x[2 * b], bi = x[2 * b + 1];
    re[n] = ar + br;
    im[n] = ai + bi;
    re[n + 1] = ar - br;
    im[n + 1] = ai - bi;
  }
  for (int32_t len = 4, tw = 0; len <= m; tw += len >> 1, len <<= 1) {
    const int32_t h = len >> 1;
    const float *wc = p->cos_half + tw, *ws = p->sin_half + tw;
    for (int32_t start = 0; start < m; start += len) {
      float *ra = re + start, *ia = im + start, *rb = re + start + h, *ib = im + start + h;
      int32_t k = 0;
      for (; k + 4 <= h; k += 4) {
        v128_t c4 = wasm_v128_load(wc + k), s4 = wasm_v128_load(ws + k);
        v128_t xr = wasm_v128_load(rb + k), xi = wasm_v128_load(ib + k);
        v128_t tr = wasm_f32x4_sub(wasm_f32x4_mul(xr, c4), wasm_f32x4_mul(xi, s4));
        v128_t ti = wasm_f32x4_add(wasm_f32x4_mul(xr, s4), wasm_f32x4_mul(xi, c4));
        v128_t yr = wasm_v128_load(ra + k), yi = wasm_v128_load(ia + k);
        wasm_v128_store(rb + k, wasm_f32x4_sub(yr, tr));
        wasm_v128_store(ib + k, wasm_f32x4_sub(yi, ti));
        wasm_v128_store(ra + k, wasm_f32x4_add(yr, tr));
        wasm_v128_store(ia + k, wasm_f32x4_add(yi, ti));
      }
      for (; k < h; k++) {
        float xr = rb[k], xi = ib[k];
        float tr = xr * wc[k] - xi * ws[k];
        float ti = xr * ws[k] + xi * wc[k];
        float yr = ra[k], yi = ia[k];
        rb[k] = yr - tr;
        ib[k] = yi - ti;
        ra[k] = yr + tr;
        ia[k] = yi + ti;
      }
    }
  }
  float *out = p->power;
  out[0] = (re[0] + im[0]) * (re[0] + im[0]);
  out[m] = (re[0] - im[0]) * (re[0] - im[0]);
  for (int32_t k = 1; k < m; k++) {
    float zr = re[k], zi = im[k], cr = re[m - k], ci = -im[m - k];
    float er = 0.5f * (zr + cr), ei = 0.5f * (zi + ci);
    float or_ = 0.5f * (zi - ci), oi = -0.5f * (zr - cr);
    float wr = p->cos_split[k], wi = p->sin_split[k];
    float xr = er + (or_ * wr - oi * wi);
    float xi = ei + (or_ * wi + oi * wr);
    out[k] = xr * xr + xi * xi;
  }
}

/* Features of `num_samples` samples into out[num_frames * num_bins] (row-major). */
EXPORT("fb_compute") void fb_compute(Plan *p, const float *samples, int32_t num_samples, float *out, int32_t num_frames) {
  const int32_t L = p->frame_length, N = p->fft_size, M = p->num_bins;
  float *frame = p->frame;
  for (int32_t f = 0; f < num_frames; f++) {
    int32_t start = p->snip_edges ? f * p->frame_shift : f * p->frame_shift + p->frame_shift / 2 - L / 2;
    if (start >= 0 && start + L <= num_samples) {
      for (int32_t i = 0; i < L; i++) frame[i] = samples[start + i];
    } else {
      for (int32_t i = 0; i < L; i++) {
        int32_t s = start + i;
        while (s < 0 || s >= num_samples) s = s < 0 ? -s - 1 : 2 * num_samples - 1 - s;
        frame[i] = samples[s];
      }
    }
    if (p->remove_dc) {
      float mean = 0;
      for (int32_t i = 0; i < L; i++) mean += frame[i];
      mean /= (float)L;
      for (int32_t i = 0; i < L; i++) frame[i] -= mean;
    }
    const float c = p->preemph;
    if (c != 0) {
      for (int32_t i = L - 1; i > 0; i--) frame[i] -= c * frame[i - 1];
      frame[0] -= c * frame[0];
    }
    for (int32_t i = 0; i < L; i++) frame[i] *= p->window[i];
    for (int32_t i = L; i < N; i++) frame[i] = 0;
    power_spectrum(p);
    float *row = out + (int64_t)f * M;
    for (int32_t b = 0; b < M; b++) {
      const float *w = p->mel_weights + p->mel_start[b];
      const float *pw = p->power + p->mel_first_bin[b];
      const int32_t n = p->mel_start[b + 1] - p->mel_start[b];
      float energy = 0;
      for (int32_t k = 0; k < n; k++) energy += w[k] * pw[k];
      row[b] = energy > p->log_floor ? energy : p->log_floor;
    }
    int32_t b = 0;
    for (; b + 4 <= M; b += 4) wasm_v128_store(row + b, log_positive4(wasm_v128_load(row + b)));
    for (; b < M; b++) row[b] = log_positive(row[b]);
  }
}

/*
 * (T x D) features -> (D x T), NeMo's channels-first input, optionally normalized per feature on the way
 * (population variance, 1e-5 added to the standard deviation, as sherpa-onnx's per_feature). `stats` is
 * scratch for 2 x D doubles. Works in blocks of 32 frames so reads and writes stay in cache.
 */
EXPORT("fb_channels_first") void fb_channels_first(const float *in, int32_t num_frames, int32_t dim, float *out,
                                                   int32_t normalize, double *stats) {
  double *mean = stats, *inv_std = stats + dim;
  for (int32_t d = 0; d < dim; d++) {
    mean[d] = 0;
    inv_std[d] = 0;
  }
  if (normalize && num_frames > 0) {
    for (int32_t t = 0; t < num_frames; t++) {
      const float *row = in + (int64_t)t * dim;
      for (int32_t d = 0; d < dim; d++) {
        mean[d] += row[d];
        inv_std[d] += (double)row[d] * row[d];
      }
    }
    for (int32_t d = 0; d < dim; d++) {
      double m = mean[d] / num_frames;
      double var = inv_std[d] / num_frames - m * m;
      if (var < 0) var = 0;
      mean[d] = m;
      inv_std[d] = 1.0 / (__builtin_sqrt(var) + 1e-5);
    }
  } else {
    for (int32_t d = 0; d < dim; d++) inv_std[d] = 1.0;
  }
  for (int32_t t0 = 0; t0 < num_frames; t0 += 32) {
    int32_t t1 = t0 + 32 < num_frames ? t0 + 32 : num_frames;
    for (int32_t d = 0; d < dim; d++) {
      float m = (float)mean[d], s = (float)inv_std[d];
      float *dst = out + (int64_t)d * num_frames;
      for (int32_t t = t0; t < t1; t++) dst[t] = (in[(int64_t)t * dim + d] - m) * s;
    }
  }
}
