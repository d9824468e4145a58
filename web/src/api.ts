/** HTTP calls the page makes, with the API key (when one is entered) as `Authorization: Bearer`. */

/** The message of an OpenAI-shaped error body (`{error:{message,code}}`), or the status line. */
export async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string; code?: string | null } };
    if (body.error?.message) return `${res.status} ${body.error.code ?? ''}: ${body.error.message}`.replace(' :', ':');
  } catch {
    // not JSON: fall through
  }
  return `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

export function apiFetch(path: string, apiKey: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (apiKey) headers.set('Authorization', `Bearer ${apiKey}`);
  return fetch(path, { ...init, headers });
}

/** Model ids from GET /v1/models; a 401 is reported as `'unauthorized'` so the page can ask for a key. */
export async function listModels(apiKey: string): Promise<string[] | 'unauthorized'> {
  const res = await apiFetch('/v1/models', apiKey);
  if (res.status === 401) return 'unauthorized';
  if (!res.ok) throw new Error(`GET /v1/models: ${await errorMessage(res)}`);
  const body = (await res.json()) as { data: { id: string }[] };
  return body.data.map((m) => m.id);
}

/** The response formats of POST /v1/audio/transcriptions, in the order the page shows them. */
export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'vtt', 'verbose_json'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export interface UploadResult {
  format: ResponseFormat;
  status: number;
  /** The body as shown: JSON pretty-printed, the rest as sent. */
  body: string;
  elapsedMs: number;
}

/** Transcribes `file` once per response format (one after another: each is a full transcription). */
export async function transcribeInEveryFormat(file: File, model: string, apiKey: string, onResult: (r: UploadResult) => void): Promise<void> {
  for (const format of RESPONSE_FORMATS) {
    const form = new FormData();
    form.append('file', file, file.name);
    if (model) form.append('model', model);
    form.append('response_format', format);
    const started = performance.now();
    const res = await apiFetch('/v1/audio/transcriptions', apiKey, { method: 'POST', body: form });
    const elapsedMs = Math.round(performance.now() - started);
    if (!res.ok) {
      onResult({ format, status: res.status, body: await errorMessage(res), elapsedMs });
      continue;
    }
    const text = await res.text();
    const body = format === 'json' || format === 'verbose_json' ? JSON.stringify(JSON.parse(text), null, 2) : text;
    onResult({ format, status: res.status, body, elapsedMs });
  }
}
