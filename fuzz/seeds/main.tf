data "aws_iam_policy_document" "sma" {
  statement {
    effect    = "Allow"
    actions   = ["chime:CreateSipMediaApplicationCall", "chime:Get*"]
    resources = ["arn:aws:chime:${var.region}:${data.aws_caller_identity.me.account_id}:sma/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account]
    }
  }
}

resource "aws_iam_role_policy" "inline" {
  role   = aws_iam_role.sma.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "chime:*", Resource = "*" }]
  })
}

resource "aws_lambda_permission" "voice" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.handler.function_name
  principal     = "voiceconnector.chime.amazonaws.com"
  source_arn    = "arn:aws:chime:${var.region}:${var.account}:sma/*"
}
