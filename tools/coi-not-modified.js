// build.sh puts this before coi-serviceworker.js (npm). In its service worker, a 304 is fetched
// again in full: WebKit sends its cache's conditional requests through the worker, which passed
// the bare 304 on, and a worker script that is a 304 never starts (see the README).
if (typeof window === 'undefined') {
  const fetchOnce = self.fetch.bind(self);
  self.fetch = async (request, init) => {
    const response = await fetchOnce(request, init);
    if (response.status !== 304 || !(request instanceof Request)) return response;
    const headers = new Headers(request.headers);
    headers.delete('if-none-match');
    headers.delete('if-modified-since');
    return fetchOnce(request.url, { headers, cache: 'reload', credentials: request.credentials });
  };
}
