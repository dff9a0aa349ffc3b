# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which endpoint each region's client talks to, in a cross-region copy.

An endpoint belongs to one region: AWS refuses a request signed (SigV4 credential scope) for another region
than the endpoint's. amazon.aws builds every client with the module's endpoint_url whatever region it is given,
so a client of the other region (the copy's source, the DR region) must be given that region's endpoint, or
none (botocore's default endpoint of that region). A custom endpoint_url without the other region's endpoint is
refused before any AWS call (other_region_endpoint).

botocore adds a PreSignedUrl, signed for the source region, to a CopyDBClusterSnapshot with SourceRegion
(handlers.inject_presigned_url_rds). It builds the URL from the destination's by replacing the destination's
region name in it with the source's: right for AWS's own endpoints (rds.<region>.amazonaws.com), wrong for any
endpoint that does not carry the region name (a VPC interface endpoint's name does not have to, a proxy's
never does). presign_at makes the URL name the source region's endpoint instead, when a custom one is in play.
"""

from __future__ import annotations

import copy
import functools
import urllib.parse

from .validation import InvalidInput

COPY_OPERATION = "CopyDBClusterSnapshot"


def other_region_endpoint(
    endpoint_url: str | None, other_endpoint_url: str | None, region: str | None, other: str, option: str
) -> str | None:
    """The endpoint for the client of another region `other` (described as in "the source region 'us-west-2'"):
    other_endpoint_url (None: botocore's default endpoint of that region).

    With a custom endpoint_url (of `region`) and no other_endpoint_url, raises InvalidInput: sending the other
    region's calls to endpoint_url would sign them for one region and send them to another's endpoint.
    """
    if endpoint_url and not other_endpoint_url:
        raise InvalidInput(
            f"{other} differs from region {region!r}, and endpoint_url {endpoint_url!r} is set: an endpoint serves "
            f"one region only (AWS refuses a request signed for another region), so the calls to {other} cannot go "
            f"to it. Give {option} (the endpoint of {other}; the same URL only if that endpoint serves both "
            "regions), or leave endpoint_url out to use AWS's regional endpoints"
        )
    return other_endpoint_url or None


def botocore_client(client):
    """The botocore client inside the module's wrappers (amazon.aws's RetryingBotoClientWrapper)."""
    return getattr(client, "client", client)


def presign_at(client, source_endpoint_url: str | None) -> None:
    """Make the PreSignedUrl botocore adds to client's cross-region CopyDBClusterSnapshot name
    source_endpoint_url (the endpoint of the source region), still signed for the source region."""
    if not source_endpoint_url:
        return
    raw = botocore_client(client)
    service = raw.meta.service_model.service_id.hyphenize()
    # First: botocore's own handler (inject_presigned_url_rds) then only drops SourceRegion, as a PreSignedUrl is there.
    raw.meta.events.register_first(
        f"before-call.{service}.{COPY_OPERATION}", functools.partial(_presign, source_endpoint_url)
    )


def presigned_url_base(source_endpoint_url: str) -> str:
    """The URL a presigned request to source_endpoint_url starts with: the endpoint, with a path."""
    return source_endpoint_url if urllib.parse.urlsplit(source_endpoint_url).path else source_endpoint_url + "/"


def _presign(source_endpoint_url, params, request_signer, model, **_kwargs):
    """botocore's _get_cross_region_presigned_url, with the source region's endpoint as the URL."""
    body = params.get("body")
    if not isinstance(body, dict) or "SourceRegion" not in body or "PreSignedUrl" in body:
        return
    source_region, destination_region = body["SourceRegion"], request_signer.region_name
    presigned = copy.deepcopy(params)
    del presigned["body"]["SourceRegion"]
    presigned["body"]["DestinationRegion"] = destination_region
    presigned["url"] = presigned_url_base(source_endpoint_url)
    presigned["method"] = "GET"
    presigned["headers"] = {}
    body["PreSignedUrl"] = request_signer.generate_presigned_url(
        presigned, region_name=source_region, operation_name=model.name
    )
