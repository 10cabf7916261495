import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * POSTs a JSON body and resolves with the HTTP status (the body is read and dropped).
 * For a response_url: node:http(s), which the Slack client has loaded already, rather than
 * fetch, whose first use loads undici and its parser into the bot (about 15 MB of resident
 * memory, measured) for a few small posts.
 */
export function postJson(url: string, body: unknown, timeoutMs = 10_000): Promise<number> {
  const target = new URL(url);
  if (target.protocol !== "https:" && target.protocol !== "http:")
    return Promise.reject(new Error(`indirizzo di risposta non http(s): ${target.protocol}`));
  const data = Buffer.from(JSON.stringify(body), "utf8");
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": data.length },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode ?? 0));
        res.once("error", reject);
      },
    );
    req.once("timeout", () => req.destroy(new Error(`nessuna risposta da ${target.host} entro ${timeoutMs} ms`)));
    req.once("error", reject);
    req.end(data);
  });
}
