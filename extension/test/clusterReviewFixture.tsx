/** CLUSTER_AND_MERGE's form with a fake kernel that finds two clusters. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fireEvent, within } from "@testing-library/react";
import { expect } from "vitest";
import type { CatalogueEntry, FoundCluster, StepJson } from "../src/protocol";
import { catalogue, fakeRpc, renderForm, type } from "./formsFixture";

/** The real catalogue entry (the trimmed fixture catalogue may not list it yet). */
export const CLUSTER_AND_MERGE: CatalogueEntry =
  catalogue.transforms.find((t) => t.operation === "CLUSTER_AND_MERGE") ??
  JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "fixtures", "clusterAndMerge.json"), "utf8"));

export const FOUND: FoundCluster[] = [
  {
    values: [
      { value: "New York", count: 3 },
      { value: "new york", count: 1 },
      { value: "New York.", count: 1 },
    ],
    into: "New York",
    rows: 5,
  },
  {
    values: [
      { value: "Z\u00fcrich", count: 2 },
      { value: "", count: 1 },
    ],
    into: "Z\u00fcrich",
    rows: 3,
  },
];

export function renderReview(found: FoundCluster[] = FOUND, initial?: StepJson, at?: number) {
  const rpc = fakeRpc({ find_clusters: () => ({ clusters: found }) });
  const form = renderForm("CLUSTER_AND_MERGE", { entry: CLUSTER_AND_MERGE, rpc, initial, at });
  const review = () => form.field("clusters");
  const clusters = () => within(review()).queryAllByTestId("wb-cluster");
  const findClusters = async () => {
    fireEvent.click(within(review()).getByTestId("wb-find-clusters"));
    await within(review()).findAllByTestId("wb-cluster");
  };
  return { ...form, rpc, review, clusters, findClusters };
}

/** The kind test: find, accept the first cluster, and the step's parameter lists it. */
export async function acceptFirstCluster() {
  const form = renderReview();
  type(form.input("sourceColumn"), "city");
  await form.findClusters();
  fireEvent.click(within(form.clusters()[0]).getByTestId("wb-cluster-accept"));
  expect(form.parameters().clusters).toEqual([{ values: ["New York", "new york", "New York."], into: "New York" }]);
}
