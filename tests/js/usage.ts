// How a TypeScript team uses the OpenAPI document: types from openapi-typescript (written next to
// this file as ./kiwoom.ts by tests/test_openapi_interop.py), calls through openapi-fetch.
//
// `tsc --noEmit` must accept every line except those marked @ts-expect-error, which must be errors
// (tsc reports an unused @ts-expect-error). They prove the four credit orders on one URL are four
// distinct, typed operations. callCreditOrders() is then compiled and run against the fake Kiwoom
// server, which proves the `#kt1000x` suffix of the path key never reaches the wire.

import createClient from "openapi-fetch";

import type { components, paths } from "./kiwoom";

type Schemas = components["schemas"];
type Post<P extends keyof paths> = paths[P] extends { post: infer Op } ? Op : never;
type Body<P extends keyof paths> = Post<P> extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : never;
type ApiIdHeader<P extends keyof paths> = Post<P> extends {
  parameters: { header: { "api-id": infer H } };
}
  ? H
  : never;

const BUY = "/api/dostk/crdordr#kt10006";
const SELL = "/api/dostk/crdordr#kt10007";
const MODIFY = "/api/dostk/crdordr#kt10008";
const CANCEL = "/api/dostk/crdordr#kt10009";

// --- correct bodies compile ---------------------------------------------------------------------

export const buyBody: Body<typeof BUY> = {
  dmst_stex_tp: "KRX",
  stk_cd: "005930",
  ord_qty: "1",
  ord_uv: "2580",
  trde_tp: "0",
  cond_uv: "",
};
export const sellBody: Body<typeof SELL> = {
  dmst_stex_tp: "KRX",
  stk_cd: "005930",
  ord_qty: "1",
  ord_uv: "2580",
  trde_tp: "0",
  crd_deal_tp: "33",
  crd_loan_dt: "20240102",
};
export const modifyBody: Body<typeof MODIFY> = {
  dmst_stex_tp: "KRX",
  orig_ord_no: "0001615",
  stk_cd: "005930",
  mdfy_qty: "1",
  mdfy_uv: "2590",
};
export const cancelBody: Body<typeof CANCEL> = {
  dmst_stex_tp: "KRX",
  orig_ord_no: "0001615",
  stk_cd: "005930",
  cncl_qty: "1",
};

// The body types are the named schemas, and the api-id header of each operation is its own id.
export const sameSchema: Schemas["CreditOrdersBuyRequest"] = buyBody;
export const buyId: ApiIdHeader<typeof BUY> = "kt10006";
export const cancelId: ApiIdHeader<typeof CANCEL> = "kt10009";

// --- wrong bodies and headers do not ------------------------------------------------------------

export const kt10007BodyToKt10006: Body<typeof BUY> = {
  dmst_stex_tp: "KRX",
  stk_cd: "005930",
  ord_qty: "1",
  trde_tp: "0",
  // @ts-expect-error crd_deal_tp is a field of kt10007 (sell), not of kt10006 (buy)
  crd_deal_tp: "33",
};
// @ts-expect-error a kt10006 body lacks crd_deal_tp, which kt10007 requires
export const kt10006BodyToKt10007: Body<typeof SELL> = { ...buyBody };
// @ts-expect-error a kt10009 body is not a kt10008 body (mdfy_qty and mdfy_uv are missing)
export const cancelAsModify: Body<typeof MODIFY> = { ...cancelBody };
// @ts-expect-error kt10006's api-id header is "kt10006" only
export const wrongId: ApiIdHeader<typeof BUY> = "kt10007";
export const badEnum: Body<typeof BUY> = {
  ...buyBody,
  // @ts-expect-error dmst_stex_tp is KRX, NXT or SOR
  dmst_stex_tp: "NYSE",
};

// The same mistakes in openapi-fetch calls (never run).
export async function wrongCalls(baseUrl: string): Promise<void> {
  const client = createClient<paths>({ baseUrl });
  await client.POST(BUY, {
    params: { header: { "api-id": "kt10006" } },
    // @ts-expect-error crd_deal_tp (kt10007) in a kt10006 body
    body: { dmst_stex_tp: "KRX", stk_cd: "005930", ord_qty: "1", trde_tp: "0", crd_deal_tp: "33" },
  });
  await client.POST(BUY, {
    // @ts-expect-error the api-id header of kt10006 is "kt10006"
    params: { header: { "api-id": "kt10007" } },
    body: buyBody,
  });
  await client.POST(SELL, {
    params: { header: { "api-id": "kt10007" } },
    // @ts-expect-error a kt10006 body to kt10007
    body: buyBody,
  });
  // @ts-expect-error the bare URL is not a key of the document: operations are keyed by api-id
  await client.POST("/api/dostk/crdordr", { body: buyBody });
}

// --- calls through openapi-fetch ----------------------------------------------------------------

export interface CallResult {
  apiId: string;
  ok: boolean;
  body: unknown;
  headerApiId: string | null;
}

export async function callCreditOrders(baseUrl: string, token: string): Promise<CallResult[]> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });
  const results: CallResult[] = [];

  const buy = await client.POST(BUY, { params: { header: { "api-id": "kt10006" } }, body: buyBody });
  const buyNo: string | undefined = buy.data?.ord_no;
  results.push(result("kt10006", buy.data, buy.response, buyNo));

  const sell = await client.POST(SELL, {
    params: { header: { "api-id": "kt10007" } },
    body: sellBody,
  });
  results.push(result("kt10007", sell.data, sell.response, sell.data?.ord_no));

  const modify = await client.POST(MODIFY, {
    params: { header: { "api-id": "kt10008" } },
    body: modifyBody,
  });
  const modified: string | undefined = modify.data?.mdfy_qty;
  results.push(result("kt10008", modify.data, modify.response, modified));

  const cancel = await client.POST(CANCEL, {
    params: { header: { "api-id": "kt10009" } },
    body: cancelBody,
  });
  const cancelled: string | undefined = cancel.data?.cncl_qty;
  results.push(result("kt10009", cancel.data, cancel.response, cancelled));
  return results;
}

function result(apiId: string, data: unknown, response: Response, _typed: unknown): CallResult {
  return { apiId, ok: response.ok, body: data, headerApiId: response.headers.get("api-id") };
}
