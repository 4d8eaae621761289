import { state } from './state.js';

function request(method, url, body, params) {
  if (typeof url !== 'string') throw new Error(`url must be a string: ${url}`);
  const p = params || {};
  state.requests.push({ method, url, body, params: p });
  const { status, body: resBody = '' } = state.handler(method, url, body, p);
  return {
    status,
    body: p.responseType === 'none' ? null : resBody,
    json(selector) {
      if (p.responseType === 'none') throw new Error('json() on a discarded body');
      const v = JSON.parse(resBody);
      return selector === undefined ? v : v[selector];
    },
  };
}

export function get(url, params) { return request('GET', url, null, params); }
export function post(url, body, params) { return request('POST', url, body, params); }
export default { get, post };
