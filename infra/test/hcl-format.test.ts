import { describe, expect, it } from "vitest";
import { formatHcl } from "../hcl-format.js";

// cdktf 0.21 writes HCL like the inputs below: no indentation, no alignment, quoted depends_on references.
describe("formatHcl", () => {
  it("indents blocks, lists and maps by two spaces and aligns the = of consecutive attributes", () => {
    const cdktf = [
      'resource "aws_sqs_queue" "q" {',
      'name = "tweetstream-processor-dlq"',
      "message_retention_seconds = 1209600",
      "tags = {",
      'Project = "tweetstream"',
      'ManagedBy = "cdktf"',
      "}",
      "actions = [",
      '"sqs:SendMessage"',
      "]",
      "}",
      "",
    ].join("\n");

    expect(formatHcl(cdktf)).toBe(
      [
        'resource "aws_sqs_queue" "q" {',
        '  name                      = "tweetstream-processor-dlq"',
        "  message_retention_seconds = 1209600",
        "  tags = {",
        '    Project   = "tweetstream"',
        '    ManagedBy = "cdktf"',
        "  }",
        "  actions = [",
        '    "sqs:SendMessage"',
        "  ]",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("writes depends_on references bare, not as deprecated quoted strings", () => {
    const cdktf = ['resource "a" "b" {', "depends_on = [", '"aws_iam_role_policy.p_A0F5D430",', "]", "}"];

    expect(formatHcl(cdktf.join("\n")).split("\n")).toEqual([
      'resource "a" "b" {',
      "  depends_on = [",
      "    aws_iam_role_policy.p_A0F5D430,",
      "  ]",
      "}",
    ]);
  });

  it("unwraps an attribute that is one interpolation, as terraform fmt does, and leaves templates alone", () => {
    const cdktf = [
      'resource "a" "b" {',
      `role = "\${aws_iam_role.r.arn}"`,
      "resources = [",
      `"\${aws_kinesis_stream.s.arn}/consumer/*"`,
      "]",
      "}",
    ];

    expect(formatHcl(cdktf.join("\n")).split("\n")).toEqual([
      'resource "a" "b" {',
      "  role = aws_iam_role.r.arn",
      "  resources = [",
      `    "\${aws_kinesis_stream.s.arn}/consumer/*"`,
      "  ]",
      "}",
    ]);
  });

  it("keeps a heredoc's body byte for byte and aligns the attributes around it", () => {
    const cdktf = [
      'output "ProducerEnv" {',
      "value = <<EOF",
      "  A=1",
      "B = 2",
      "EOF",
      'description = "env"',
      "}",
    ];

    expect(formatHcl(cdktf.join("\n")).split("\n")).toEqual([
      'output "ProducerEnv" {',
      "  value       = <<EOF",
      "  A=1",
      "B = 2",
      "EOF",
      '  description = "env"',
      "}",
    ]);
  });
});
