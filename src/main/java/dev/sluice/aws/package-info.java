/**
 * sluice as an AWS Lambda function: {@link dev.sluice.aws.ScheduledRunHandler} runs the function's pipelines on
 * an EventBridge schedule, or one of them on request, through the same wiring and run flow as {@code sluice run}.
 */
package dev.sluice.aws;
