import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../../src/slack/post-json.ts";

let server: Server;
let base = "";
const received: { path: string; type: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", type: req.headers["content-type"], body });
      if (req.url === "/slow") return; // never answers
      res.statusCode = req.url === "/expired" ? 404 : 200;
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("postJson (response_url)", () => {
  it("posts the JSON body and gives the status, also a refusal's", async () => {
    expect(await postJson(`${base}/r1`, { text: "Registrato ✓ 3.1.2", blocks: [] })).toBe(200);
    expect(received.at(-1)).toEqual({
      path: "/r1",
      type: "application/json",
      body: JSON.stringify({ text: "Registrato ✓ 3.1.2", blocks: [] }),
    });
    expect(await postJson(`${base}/expired`, {})).toBe(404);
  });

  it("refuses an address that is not http(s), and gives up on a server that does not answer", async () => {
    await expect(postJson("file:///etc/passwd", {})).rejects.toThrow(/non http/);
    await expect(postJson(`${base}/slow`, {}, 200)).rejects.toThrow(/entro 200 ms/);
  });
});
