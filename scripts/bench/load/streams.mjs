// OFREP change-stream clients held open through a load run: each counts the refetchEvaluation events it
// receives and when, so that a run can say how long the channel took to tell every stream of a write.
export function openStreams({ url, count }) {
  const clients = [];
  const controller = new AbortController();
  for (let i = 0; i < count; i++) {
    const client = { status: 0, events: new Map(), error: null };
    clients.push(client);
    client.ready = (async () => {
      try {
        const res = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
        client.status = res.status;
        if (res.status !== 200) return;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        client.done = (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buffer += value;
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const event = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const id = /^id: (\d+)$/m.exec(event);
              if (id && event.includes('refetchEvaluation')) client.events.set(Number(id[1]), Date.now());
            }
          }
        })().catch((e) => {
          if (!controller.signal.aborted) client.error = String(e);
        });
      } catch (e) {
        if (!controller.signal.aborted) client.error = String(e);
      }
    })();
  }
  return {
    clients,
    ready: () => Promise.all(clients.map((c) => c.ready)),
    close: () => controller.abort(),
  };
}
