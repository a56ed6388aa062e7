#!/usr/bin/env bash
# LocalStack "ready" hook (docker-compose.yml mounts it into /etc/localstack/init/ready.d): creates what the
# producer and processor expect, named as the CDKTF stack names them for stack "tweetstream".
set -euo pipefail

STREAM=tweetstream-events
TABLE=tweetstream-EventData
DLQ=tweetstream-processor-dlq

awslocal kinesis create-stream --stream-name "$STREAM" --shard-count 1
awslocal kinesis wait stream-exists --stream-name "$STREAM"

# One item per tweet, keyed as the original architecture: Username (hash) and Id (range), both strings.
awslocal dynamodb create-table \
  --table-name "$TABLE" \
  --attribute-definitions AttributeName=Username,AttributeType=S AttributeName=Id,AttributeType=S \
  --key-schema AttributeName=Username,KeyType=HASH AttributeName=Id,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST
awslocal dynamodb wait table-exists --table-name "$TABLE"

# 14 days, SQS's maximum: dead letters are read by a person, not by a program.
awslocal sqs create-queue --queue-name "$DLQ" --attributes MessageRetentionPeriod=1209600

echo "tweetstream: created stream $STREAM, table $TABLE and queue $DLQ"
