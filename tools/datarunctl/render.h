// Human-readable and JSON renderings of exchange responses for datarunctl.
#ifndef DATARUN_TOOLS_DATARUNCTL_RENDER_H_
#define DATARUN_TOOLS_DATARUNCTL_RENDER_H_

#include <string>

#include "datarun/v1/catalog.pb.h"
#include "datarun/v1/exchange.pb.h"
#include "google/protobuf/message.h"

namespace datarun::ctl {

// Protobuf JSON mapping with the protos' own field names, pretty-printed.
std::string ToJson(const google::protobuf::Message& message);

// A query result as an indented field list, masked values marked.
std::string RenderQueryResponse(const v1::QueryResponse& response,
                                const v1::Dataset* schema);

// The catalog as a table of datasets.
std::string RenderDatasetList(const v1::ListDatasetsResponse& response);

// One dataset's schema with field types, sensitivity and masking.
std::string RenderDataset(const v1::Dataset& dataset);

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_RENDER_H_
