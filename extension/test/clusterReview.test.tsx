/** CLUSTER_AND_MERGE's cluster review: find clusters, accept them, edit what they become. */
import { fireEvent, waitFor, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { CLUSTER_AND_MERGE, renderReview } from "./clusterReviewFixture";
import { type } from "./formsFixture";

function texts(scope: HTMLElement, testId: string): string[] {
  return within(scope).queryAllByTestId(testId).map((e) => e.textContent ?? "");
}

describe("cluster review", () => {
  test("finding asks the kernel with the column and the chosen method, then lists clusters with counts", async () => {
    const form = renderReview();
    type(form.input("sourceColumn"), "city");
    type(form.input("method"), "NEAREST_NEIGHBOR");
    type(form.input("radius"), "2");
    await form.findClusters();
    const call = form.rpc.calls.find((c) => c.method === "find_clusters");
    expect(call?.params).toMatchObject({ column: "city", method: "NEAREST_NEIGHBOR", keyer: "FINGERPRINT", radius: 2, blockSize: 6 });
    expect(form.clusters()).toHaveLength(2);
    expect(texts(form.clusters()[0], "wb-cluster-value")).toEqual(["New York × 3", "new york × 1", "New York. × 1"]);
    expect(texts(form.clusters()[1], "wb-cluster-value")).toEqual(["Z\u00fcrich × 2", "(empty text) × 1"]);
    const intos = within(form.review()).getAllByTestId("wb-cluster-into") as HTMLInputElement[];
    expect(intos.map((i) => i.value)).toEqual(["New York", "Z\u00fcrich"]);
    expect(within(form.review()).getByTestId("wb-clusters-summary").textContent).toBe("0 of 2 clusters accepted");
  });

  test("accepted clusters with edited values become the clusters parameter; unaccepting removes one", async () => {
    const form = renderReview();
    type(form.input("sourceColumn"), "city");
    await form.findClusters();
    const [first, second] = form.clusters();
    type(within(second).getByTestId("wb-cluster-into"), "Zurich");
    fireEvent.click(within(second).getByTestId("wb-cluster-accept"));
    fireEvent.click(within(first).getByTestId("wb-cluster-accept"));
    type(within(first).getByTestId("wb-cluster-into"), "NYC");
    // The method and its settings stay in the step, for the record.
    expect(form.parameters()).toEqual({
      sourceColumn: "city",
      method: "KEY_COLLISION",
      keyer: "FINGERPRINT",
      ngramSize: 2,
      radius: 1,
      blockSize: 6,
      clusters: [
        { values: ["Z\u00fcrich", ""], into: "Zurich" },
        { values: ["New York", "new york", "New York."], into: "NYC" },
      ],
    });
    fireEvent.click(within(form.clusters()[1]).getByTestId("wb-cluster-accept"));
    expect(form.parameters().clusters).toEqual([{ values: ["New York", "new york", "New York."], into: "NYC" }]);
  });

  test("a step inserted or edited mid-recipe asks about the data at its position", async () => {
    const form = renderReview(undefined, undefined, 2);
    type(form.input("sourceColumn"), "city");
    await form.findClusters();
    expect(form.rpc.calls.find((c) => c.method === "find_clusters")?.params).toMatchObject({ column: "city", at: 2 });
  });

  test("accept all takes every listed cluster with its suggestion", async () => {
    const form = renderReview();
    type(form.input("sourceColumn"), "city");
    await form.findClusters();
    fireEvent.click(within(form.review()).getByTestId("wb-accept-all"));
    expect(form.parameters().clusters).toEqual([
      { values: ["New York", "new york", "New York."], into: "New York" },
      { values: ["Z\u00fcrich", ""], into: "Z\u00fcrich" },
    ]);
    expect(within(form.review()).queryByTestId("wb-accept-all")).toBeNull();
  });

  test("a saved step's clusters show as accepted before any search, and stay after one", async () => {
    const form = renderReview();
    form.unmount();
    const saved = renderReviewOf({ sourceColumn: "city", clusters: [{ values: ["NY", "N.Y."], into: "New York" }] });
    expect(saved.clusters()).toHaveLength(1);
    expect((within(saved.clusters()[0]).getByTestId("wb-cluster-accept") as HTMLInputElement).checked).toBe(true);
    expect(texts(saved.clusters()[0], "wb-cluster-value")).toEqual(["NY", "N.Y."]);
    await saved.findClusters();
    expect(saved.clusters()).toHaveLength(3);
    expect(saved.parameters().clusters).toEqual([{ values: ["NY", "N.Y."], into: "New York" }]);
  });

  test("without a source column, or when nothing clusters, the review says so", async () => {
    const form = renderReview();
    fireEvent.click(within(form.review()).getByTestId("wb-find-clusters"));
    expect(within(form.review()).getByTestId("wb-clusters-error").textContent).toContain("source column");
    form.unmount();
    const none = renderReview([]);
    type(none.input("sourceColumn"), "city");
    fireEvent.click(within(none.review()).getByTestId("wb-find-clusters"));
    await waitFor(() => expect(within(none.review()).getByTestId("wb-clusters-none")).toBeTruthy());
  });
});

function renderReviewOf(parameters: Record<string, unknown>) {
  return renderReview(undefined, { Action: { Operation: CLUSTER_AND_MERGE.operation, Parameters: parameters } });
}
