use crate::finding::Finding;
use crate::index::{Fact, FactKind, Ref};
use crate::rules::ProjectCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags a SIP media application whose endpoint Lambda function is in
    /// another Region. The application's Region is its `aws_region`
    /// (`AwsRegion`); the function's is the Region of its ARN
    /// (`arn:aws:lambda:us-west-2:...`), its `region` argument, or the
    /// `region` of the `aws` provider it uses (`provider = aws.west`, or the
    /// default provider) when that provider is configured in the same file.
    /// A Region that cannot be resolved (`var.region`, `${AWS::Region}`, a
    /// provider configured elsewhere) is not judged.
    ///
    /// ## Why is this bad?
    /// The function must be created in the same AWS Region as the SIP media
    /// application: creating or updating the application fails, and calls
    /// are never handed to the function. AWS: Amazon Chime SDK API Reference,
    /// `SipMediaApplicationEndpoint`
    /// (<https://docs.aws.amazon.com/chime-sdk/latest/APIReference/API_voice-chime_SipMediaApplicationEndpoint.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_function" "handler" {
    ///   provider      = aws.west # region = "us-west-2"
    ///   function_name = "sma-handler"
    ///   # ...
    /// }
    /// resource "aws_chimesdkvoice_sip_media_application" "ivr" {
    ///   aws_region = "us-east-1"
    ///   name       = "ivr"
    ///   endpoints { lambda_arn = aws_lambda_function.handler.arn }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_chimesdkvoice_sip_media_application" "ivr" {
    ///   provider   = aws.west
    ///   aws_region = "us-west-2"
    ///   name       = "ivr"
    ///   endpoints { lambda_arn = aws_lambda_function.handler.arn }
    /// }
    /// ```
    pub SMA_LAMBDA_REGION_MISMATCH, "sma-lambda-region-mismatch", Error, Gap,
    "a SIP media application and its endpoint Lambda function in different Regions"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    for sma in &cx.index.facts {
        let FactKind::SipMediaApplication { endpoints, .. } = &sma.kind else { continue };
        // Where the application's Region is written.
        let Some((said, sma_region, _)) = region_of(cx, sma, &sma.address) else { continue };
        for endpoint in endpoints {
            let (region, via, label) = match endpoint {
                Ref::Literal(arn) => match arn_region(arn) {
                    Some(r) => (r.to_string(), "its ARN".to_string(), None),
                    None => continue,
                },
                Ref::Address(function) => match region_of(cx, sma, function) {
                    Some((site, r, via)) => (r.to_string(), via.to_string(), Some((site, format!("in `{r}`: {via}")))),
                    None => continue,
                },
                Ref::Unknown => continue,
            };
            if region == sma_region {
                continue;
            }
            let function = match endpoint {
                Ref::Literal(arn) => format!("`{arn}`"),
                Ref::Address(a) => format!("`{a}`"),
                Ref::Unknown => continue,
            };
            let message = format!(
                "SIP media application `{}` is in `{sma_region}`, but its endpoint Lambda function {function} is in \
                 `{region}` ({via}): the function must be in the application's Region",
                sma.address
            );
            let mut f = Finding::new(&SMA_LAMBDA_REGION_MISMATCH, &said.site.source, said.site.span, message)
                .with_help(format!(
                    "create the application in `{region}` (a Region with Amazon Chime SDK Voice), or deploy the \
                     function to `{sma_region}`"
                ));
            if let Some((site, text)) = label {
                f = f.with_label(&site.site.source, site.site.span, text);
            }
            out.push(f);
        }
    }
}

/// The [`FactKind::Region`] recorded for `address`, as seen from `from`'s template or module.
fn region_of<'a>(cx: &'a ProjectCx, from: &Fact, address: &str) -> Option<(&'a Fact, &'a str, &'a str)> {
    cx.index.get(&from.site.source, address).find_map(|f| match &f.kind {
        FactKind::Region { region, via } => Some((f, region.as_str(), via.as_str())),
        _ => None,
    })
}

/// The Region of a Lambda ARN, when it is written out.
fn arn_region(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    let (_, _, service, region) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let known = !region.is_empty() && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (service == "lambda" && known).then_some(region)
}

#[cfg(test)]
mod tests {
    #[test]
    fn regions_are_read_from_lambda_arns() {
        assert_eq!(super::arn_region("arn:aws:lambda:us-west-2:111122223333:function:h"), Some("us-west-2"));
        assert_eq!(super::arn_region("arn:aws:lambda:${AWS::Region}:111122223333:function:h"), None);
        assert_eq!(super::arn_region("handler"), None);
    }
}
